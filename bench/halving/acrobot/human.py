def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Acrobot-v1's own reward: -1 for every step until the free end reaches the target
    # height, 0 on the step that reaches it (which ends the episode).
    components = {
        'time_penalty': 0.0 if terminated else -1.0,
    }
    total = float(sum(components.values()))
    return total, components
