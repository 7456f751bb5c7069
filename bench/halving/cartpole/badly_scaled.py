import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Sensible terms, but the smoothness penalty is scaled ~1000x too large: every step is
    # strongly negative, so ending the episode early is what pays.
    upright = 1.0 - abs(pole_angle) / 0.2095
    centering = 1.0 - min(abs(cart_position) / 2.4, 1.0)
    components = {
        'upright_reward': float(np.clip(upright, 0.0, 1.0)),
        'centering_reward': float(0.5 * centering),
        'smoothness_penalty': -float(1000.0 * (pole_angular_velocity ** 2 + cart_velocity ** 2)),
    }
    total = float(sum(components.values()))
    return total, components
