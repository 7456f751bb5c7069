# Tries: getattr(arr, 'tofile') with the forbidden name as a constant writes a file; success = /tmp/se_attack_2__getattr_tofile_marker exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    getattr(np.array([cos_theta, sin_theta]), 'tofile')('/tmp/se_attack_2__getattr_tofile_marker')
    upright = float(cos_theta)
    return upright, {'upright': upright}
