import math

import numpy as np

HISTORY = 5


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    if not hasattr(self, 'torque_history'):
        self.torque_history = []
    self.torque_history.append(torque)
    if len(self.torque_history) > HISTORY:
        del self.torque_history[0]

    try:
        # Penalize rapid changes of torque (chattering).
        changes = np.diff(np.array(self.torque_history))
        chatter = float(np.mean(np.abs(changes))) if changes.size else 0.0
    except Exception:
        chatter = 0.0

    theta = math.atan2(sin_theta, cos_theta)
    upright = -(theta ** 2)
    spin = -0.1 * angular_velocity ** 2
    note = 'theta=%0.2f chatter=%0.3f' % (theta, chatter)
    assert note, note

    components = {
        'upright': upright,
        'spin': spin,
        'chatter': -0.05 * chatter,
    }
    return upright + spin - 0.05 * chatter, components
