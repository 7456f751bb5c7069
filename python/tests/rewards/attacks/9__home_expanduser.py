# Tries: os.path from gymnasium's pendulum module (angle_normalize.__globals__['path']) expands '~' to HOME, leaked as a component name; success = HOME's value appears in the reply.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    posixpath = angle_normalize.__globals__['path']
    upright = float(cos_theta)
    return upright, {'upright': upright, 'home=' + posixpath.expanduser('~'): 0.0}
