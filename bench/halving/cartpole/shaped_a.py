import math
import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Shaped (good): survival bonus plus smooth upright / centered terms, a failure penalty.
    angle_temperature = 0.1
    position_temperature = 1.0

    upright_reward = math.exp(-(pole_angle / angle_temperature) ** 2)
    centering_reward = math.exp(-(cart_position / position_temperature) ** 2)
    stability_penalty = -0.05 * float(np.clip(abs(pole_angular_velocity), 0.0, 5.0))

    components = {
        'alive_bonus': 1.0,
        'upright_reward': float(0.5 * upright_reward),
        'centering_reward': float(0.2 * centering_reward),
        'stability_penalty': float(stability_penalty),
        'failure_penalty': -10.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
