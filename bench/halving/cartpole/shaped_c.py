import math
import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Shaped (mediocre): no survival bonus; a narrow upright reward (tight temperature) minus
    # velocity penalties, so a typical step earns about zero and most of the signal is noise.
    angle_temperature = 0.02
    upright_reward = math.exp(-(pole_angle / angle_temperature) ** 2)
    velocity_penalty = -0.3 * float(np.clip(abs(cart_velocity), 0.0, 3.0))
    spin_penalty = -0.3 * float(np.clip(abs(pole_angular_velocity), 0.0, 3.0))
    action_penalty = -0.1 if action == 1 else 0.0

    components = {
        'upright_reward': float(upright_reward),
        'velocity_penalty': float(velocity_penalty),
        'spin_penalty': float(spin_penalty),
        'action_penalty': float(action_penalty),
    }
    total = float(sum(components.values()))
    return total, components
