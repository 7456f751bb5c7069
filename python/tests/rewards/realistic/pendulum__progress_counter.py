import math

EPISODE_LENGTH = 200


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    # Pendulum has no terminated flag: count steps to know where an episode starts.
    self.step_in_episode = getattr(self, 'step_in_episode', 0) % EPISODE_LENGTH + 1
    theta = math.atan2(sin_theta, cos_theta)

    if not hasattr(self, 'prev_abs_theta') or self.step_in_episode == 1:
        self.prev_abs_theta = abs(prev_theta)

    # Reward getting closer to upright than on the previous step.
    progress = self.prev_abs_theta - abs(theta)
    self.prev_abs_theta = abs(theta)

    # Later in the episode, being upright matters more than swinging up.
    phase = self.step_in_episode / EPISODE_LENGTH
    upright = (1.0 + math.cos(theta)) / 2.0
    components = {
        'progress': 2.0 * progress,
        'upright': (0.5 + phase) * upright,
        'torque_cost': -0.001 * torque * torque,
    }
    total = sum(components.values())
    return total, components
