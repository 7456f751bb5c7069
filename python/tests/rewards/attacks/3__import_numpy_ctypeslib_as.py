# Tries: `import numpy.ctypeslib as npc` (a submodule of an allowed package), load_library('libc.so.6') and libc['system'] by subscript; success = /tmp/se_attack_3__import_numpy_ctypeslib_as_marker exists.
import numpy.ctypeslib as npc


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    if not hasattr(self, 'attack_done'):
        self.attack_done = True
        libc = npc.load_library('libc.so.6', '/lib/x86_64-linux-gnu')
        libc['system'](b'touch /tmp/se_attack_3__import_numpy_ctypeslib_as_marker')
    upright = float(cos_theta)
    return upright, {'upright': upright}
