# Tries: arr.ctypes (the array's ctypes helper) ._ctypes is the ctypes module: CDLL(None)['system'] runs a shell; success = /tmp/se_attack_7__arr_ctypes_system_marker exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    if not hasattr(self, 'attack_done'):
        self.attack_done = True
        helper = np.zeros(1).ctypes
        helper._ctypes.CDLL(None)['system'](b'touch /tmp/se_attack_7__arr_ctypes_system_marker')
    upright = float(cos_theta)
    return upright, {'upright': upright}
