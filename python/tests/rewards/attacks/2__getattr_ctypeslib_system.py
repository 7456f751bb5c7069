# Tries: getattr with constant names the attribute check forbids ('ctypeslib', 'ctypes', 'CDLL', 'system') calls libc system(); success = /tmp/se_attack_2__getattr_ctypeslib_system_marker exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    if not hasattr(self, 'attack_done'):
        self.attack_done = True
        ctypes_module = getattr(getattr(np, 'ctypeslib'), 'ctypes')
        libc = getattr(ctypes_module, 'CDLL')(None)
        getattr(libc, 'system')(b'touch /tmp/se_attack_2__getattr_ctypeslib_system_marker')
    upright = float(cos_theta)
    return upright, {'upright': upright}
