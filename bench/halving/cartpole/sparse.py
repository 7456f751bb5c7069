def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Sparse: nothing while the pole stays up, -1 on the step the episode fails.
    components = {
        'failure_penalty': -1.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
