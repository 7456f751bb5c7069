# Tries: `self = random` so the checker's self-exemption lets `self._os` through (random._os is the os module), then os.spawnlp (not a listed name) runs touch; success = /tmp/se_attack_4__self_rebound_random_os_marker exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    upright = float(cos_theta)
    if not hasattr(self, 'attack_done'):
        self.attack_done = True
        self = random
        self = self._os
        self.spawnlp(self.P_WAIT, 'touch', 'touch', '/tmp/se_attack_4__self_rebound_random_os_marker')
    return upright, {'upright': upright}
