import math
import random

import numpy as np


def compute_reward(self, position, velocity, action, terminated):
    action = np.asarray(action, dtype=np.float64).reshape(-1)
    force = float(action[0]) if action.size else 0.0

    try:
        # Time to reach the goal at the current speed (smaller is better).
        time_to_goal = (self.goal_position - position) / velocity
        eta_bonus = 1.0 / (1.0 + abs(time_to_goal)) if velocity > 0 else 0.0
    except (ValueError, ZeroDivisionError):
        eta_bonus = 0.0

    with np.errstate(divide='ignore', invalid='ignore'):
        # Fraction of the top speed; numpy division so a zero limit gives inf, not an error.
        speed = float(np.nan_to_num(np.abs(velocity) / np.float64(self.max_speed), posinf=1.0))
    jitter = 1e-3 * (random.random() - 0.5)
    assert math.isfinite(speed), 'speed {:.2f} is not finite'.format(speed)

    components = {
        'eta_bonus': eta_bonus,
        'speed': 0.5 * speed,
        'force_cost': -0.1 * force ** 2,
        'goal': 100.0 if terminated else 0.0,
        'jitter': jitter,
    }
    return float(sum(components.values())), components
