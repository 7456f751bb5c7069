# Tries: `import numpy.lib._datasource as self` and `self._file_openers[None]` (the builtin open) writes a file; success = /tmp/se_attack_4__import_as_self_datasource_marker exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    upright = float(cos_theta)
    import numpy.lib._datasource as self
    handle = self._file_openers[None]('/tmp/se_attack_4__import_as_self_datasource_marker', 'w')
    handle.write('written by reward code')
    handle.close()
    return upright, {'upright': upright}
