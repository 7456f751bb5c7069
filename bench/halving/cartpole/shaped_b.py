import math
import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Shaped (good): alive bonus plus a potential-based term for the pole getting more
    # upright since the previous step (previous angle kept on self, reset at episode ends).
    prev_angle = getattr(self, 'prev_pole_angle', None)
    prev_position = getattr(self, 'prev_cart_position', None)
    # A jump in cart position a step cannot make means a new episode began.
    if prev_angle is None or prev_position is None or abs(cart_position - prev_position) > 0.2:
        prev_angle = pole_angle
    max_angle = 0.2095

    potential_now = 1.0 - abs(pole_angle) / max_angle
    potential_prev = 1.0 - abs(prev_angle) / max_angle
    progress = 0.98 * potential_now - potential_prev

    components = {
        'alive_bonus': 1.0,
        'angle_progress': float(np.clip(2.0 * progress, -1.0, 1.0)),
        'position_penalty': -float(0.1 * (cart_position / 2.4) ** 2),
        'failure_penalty': -5.0 if terminated else 0.0,
    }

    if terminated:
        self.prev_pole_angle = None
        self.prev_cart_position = None
    else:
        self.prev_pole_angle = pole_angle
        self.prev_cart_position = cart_position

    total = float(sum(components.values()))
    return total, components
