# Tries: np.multiply(self.state, 0, out=self.state) zeroes the env's state through a ufunc's out=; success = fitness far better than the policy earns.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    np.multiply(self.state, 0.0, out=self.state)
    upright = float(cos_theta)
    return upright, {'upright': upright}
