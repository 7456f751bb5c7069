import numpy as np

MAX_STEPS = 500


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    self.episode_steps = getattr(self, 'episode_steps', 0) + 1
    self.total_calls = getattr(self, 'total_calls', 0) + 1

    # The time penalty grows as the episode drags on: reach the target quickly.
    urgency = -np.exp(self.episode_steps / MAX_STEPS) / np.e
    height = -cos_theta1 - (cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2)
    height_term = np.tanh(height)
    swing = 0.05 * np.tanh(abs(theta1_angular_velocity) + abs(theta2_angular_velocity))

    if terminated:
        goal = 50.0 * (1.0 - self.episode_steps / MAX_STEPS)
        self.episode_steps = 0
    else:
        goal = 0.0

    total = urgency + height_term + swing + goal
    return total, {'urgency': urgency, 'height': height_term, 'swing': swing, 'goal': goal}
