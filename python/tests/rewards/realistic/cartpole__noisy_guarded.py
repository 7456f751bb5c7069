import math
import random

import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Small exploration noise keeps the value function from over-fitting to exact values.
    exploration_noise = 0.01 * (random.random() - 0.5) + float(np.random.normal(0.0, 0.005))

    try:
        # Ratio of cart speed to pole speed: small when the cart follows the pole calmly.
        ratio = abs(cart_velocity) / abs(pole_angular_velocity)
        coordination = 1.0 / (1.0 + ratio)
    except (ValueError, ZeroDivisionError):
        coordination = 1.0

    try:
        balance = 1.0 - (pole_angle / 0.2095) ** 2
    except Exception:
        balance = 0.0

    balance = float(np.nan_to_num(balance, nan=0.0, posinf=1.0, neginf=-1.0))
    if not math.isfinite(coordination):
        coordination = 0.0

    fall = -5.0 if terminated else 0.0
    components = {
        'balance': balance,
        'coordination': 0.2 * coordination,
        'fall': fall,
        'exploration_noise': exploration_noise,
    }
    total = balance + 0.2 * coordination + fall + exploration_noise
    return float(total), components
