def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # CartPole-v1's own reward: +1 for every step the episode lasts, the terminating step included.
    components = {
        'alive_bonus': 1.0,
    }
    total = float(sum(components.values()))
    return total, components
