def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Sparse: nothing until the free end rises above the target line, +1 on that step.
    components = {
        'goal_bonus': 1.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
