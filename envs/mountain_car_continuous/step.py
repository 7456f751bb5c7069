def step(self, action):
    # gymnasium's MountainCarContinuous step: dynamics, termination, original reward.
    observation, original_reward, terminated, truncated, _ = super().step(action)

    # The observation, after the step: position in [-1.2, 0.6], velocity in [-0.07, 0.07].
    position, velocity = observation.tolist()
    # action: array of shape (1,), the force; clipped to [-1, 1] by the dynamics.
    # terminated: the car reached the goal on the right hill, position >= 0.45.

    reward, individual_reward = self.compute_reward(position, velocity, action, terminated)

    fitness_score = self.compute_fitness_score(original_reward)
    individual_reward.update({'fitness_score': fitness_score})

    return observation, reward, terminated, truncated, individual_reward
