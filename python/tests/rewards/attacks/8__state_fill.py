# Tries: self.state.fill(0) zeroes the env's state through a method call; success = fitness far better than the policy earns.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    self.state.fill(0.0)
    upright = float(cos_theta)
    return upright, {'upright': upright}
