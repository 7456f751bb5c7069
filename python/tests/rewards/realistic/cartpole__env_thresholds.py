import math

import numpy as np

_normalize = lambda value, limit: min(abs(value) / limit, 1.0)


def _bounded_bonus(fraction, sharpness=4.0):
    """1.0 at fraction 0, falling smoothly to about 0 at fraction 1."""
    return math.exp(-sharpness * fraction * fraction)


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Use the env's own termination thresholds instead of hard-coding them.
    angle_fraction = _normalize(pole_angle, self.theta_threshold_radians)
    position_fraction = _normalize(cart_position, self.x_threshold)

    angle_bonus = _bounded_bonus(angle_fraction)
    position_bonus = _bounded_bonus(position_fraction, sharpness=2.0)
    # How far the pole would fall in one control interval at this angular velocity.
    predicted_angle = pole_angle + pole_angular_velocity * self.tau
    lookahead_bonus = 0.5 * _bounded_bonus(_normalize(predicted_angle, self.theta_threshold_radians))
    done_penalty = -1.0 if terminated else 0.0

    debug = 'angle={:.2f} pos={:.2f}'.format(pole_angle, cart_position) + ' pred=%0.2f' % predicted_angle
    assert len(debug) > 0

    total = angle_bonus + 0.5 * position_bonus + lookahead_bonus + done_penalty
    return total, {
        'angle_bonus': angle_bonus,
        'position_bonus': 0.5 * position_bonus,
        'lookahead_bonus': lookahead_bonus,
        'done_penalty': done_penalty,
    }
