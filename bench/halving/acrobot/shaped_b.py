import math
import numpy as np


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Shaped (good): time penalty, a height term scaled to [-1, 0] and an energy term that
    # rewards the swing building up, with a temperature on the energy.
    energy_temperature = 10.0
    tip_height = -cos_theta1 - (cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2)
    height_term = (tip_height - 1.0) / 3.0  # -1 hanging down, 0 at the target line
    kinetic = 0.5 * theta1_angular_velocity ** 2 + 0.25 * theta2_angular_velocity ** 2
    potential = -2.0 * cos_theta1 - cos_theta1 * cos_theta2 + sin_theta1 * sin_theta2
    energy_term = math.tanh((kinetic + 3.0 * potential) / energy_temperature)

    components = {
        'time_penalty': -1.0,
        'height_term': float(0.5 * np.clip(height_term, -1.0, 0.0)),
        'energy_term': float(0.3 * energy_term),
        'goal_bonus': 20.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
