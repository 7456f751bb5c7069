import math
import numpy as np


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # Shaped (good): the original reward rewritten with its own potential kept on self
    # (reset on terminations and on the jump a reset makes), plus a small bonus for both
    # legs down while slow and a gentle cost on spinning.
    def potential(px, py, vx, vy, ang, left, right):
        return (
            -100.0 * math.sqrt(px * px + py * py)
            - 100.0 * math.sqrt(vx * vx + vy * vy)
            - 100.0 * abs(ang)
            + 10.0 * left
            + 10.0 * right
        )

    phi = potential(x, y, x_velocity, y_velocity, angle, left_leg_contact, right_leg_contact)
    prev_phi = getattr(self, 'prev_phi_bench', None)
    prev_y = getattr(self, 'prev_y_bench', None)
    if prev_phi is None or prev_y is None or abs(y - prev_y) > 0.3:
        prev_phi = prev_shaping
    self.prev_phi_bench = None if terminated else phi
    self.prev_y_bench = None if terminated else y

    slow = math.sqrt(x_velocity * x_velocity + y_velocity * y_velocity) < 0.1
    components = {
        'potential_progress': float(np.clip(phi - prev_phi, -50.0, 50.0)),
        'settle_bonus': 0.3 if (left_leg_contact > 0.5 and right_leg_contact > 0.5 and slow) else 0.0,
        'spin_cost': -float(0.05 * min(abs(angular_velocity), 2.0)),
        'fuel_cost': -float(0.3 * main_engine_power + 0.03 * side_engine_power),
        'landing_bonus': 100.0 if not lander_awake else 0.0,
        'crash_penalty': -100.0 if (lander_awake and (game_over or abs(x) >= 1.0)) else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
