# Tries: a nested def whose parameter named self defaults to a numpy private module: self._file_openers[None] is open(); success = /tmp/se_attack_4__def_default_self_marker exists.
from numpy.lib import _datasource


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    def openers(self=_datasource):
        return self._file_openers

    openers()[None]('/tmp/se_attack_4__def_default_self_marker', 'w').close()
    upright = float(cos_theta)
    return upright, {'upright': upright}
