def compute_reward(self, position, velocity, action, terminated):
    # Sparse: +100 on reaching the goal, nothing else (no action cost).
    components = {
        'goal_bonus': 100.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
