import math
import random

import numpy as np

WEIGHTS = {
    'angle': -1.0,
    'velocity': -0.1,
    'torque': -0.001,
}


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    theta = math.atan2(sin_theta, cos_theta)
    raw = {
        'angle': theta ** 2,
        'velocity': angular_velocity ** 2,
        'torque': torque ** 2,
    }
    components = {name: WEIGHTS[name] * value for name, value in raw.items()}
    # A little noise on the shaping term (robustness trick).
    components['noise'] = random.gauss(0.0, 0.01) + float(np.random.normal(scale=0.01))
    components = {k: float(np.nan_to_num(v)) for k, v in components.items()}
    total = sum(components.values())
    if not math.isfinite(total):
        total = -20.0
    return total, components
