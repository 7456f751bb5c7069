import math
import numpy as np


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Shaped (good-ish): time penalty, a bonus for a new best height this episode (kept on
    # self), and pumping: torque in the direction of the second joint's motion.
    tip_height = -cos_theta1 - (cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2)
    resting = tip_height < -1.95 and abs(theta1_angular_velocity) + abs(theta2_angular_velocity) < 0.2
    if not hasattr(self, 'best_height_bench') or getattr(self, 'done_bench', False) or resting:
        self.best_height_bench = tip_height
    self.done_bench = bool(terminated)

    improvement = max(tip_height - self.best_height_bench, 0.0)
    self.best_height_bench = max(self.best_height_bench, tip_height)

    torque = float(int(action) - 1)
    pumping = torque * float(np.sign(theta2_angular_velocity))

    components = {
        'time_penalty': -1.0,
        'record_height': float(np.clip(3.0 * improvement, 0.0, 3.0)),
        'pumping_bonus': float(0.1 * pumping),
        'goal_bonus': 10.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
