# Tries: getattr held in a list reaches the binding wrapper's __func__.__globals__['sys'].modules['os'].system; success = /tmp/se_attack_1__getattr_in_list_marker exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    fns = [getattr]
    if not hasattr(self, 'attack_done'):
        self.attack_done = True
        ga = fns[0]
        wrapper_globals = ga(ga(ga(self, 'compute_reward'), '__func__'), '__globals__')
        sysmod = wrapper_globals['sys']
        osmod = ga(sysmod, 'modules')['os']
        ga(osmod, 'system')('touch /tmp/se_attack_1__getattr_in_list_marker')
    upright = float(cos_theta)
    return upright, {'upright': upright}
