def step(self, action):
    # gymnasium's CartPole step: physics, termination, original reward.
    observation, original_reward, terminated, truncated, _ = super().step(action)

    # The observation, after the step.
    cart_position, cart_velocity, pole_angle, pole_angular_velocity = observation.tolist()
    # action: 0 pushes the cart to the left, 1 to the right.
    # terminated: the pole tilted past +-12 degrees (0.2095 rad) or the cart left +-2.4.

    reward, individual_reward = self.compute_reward(cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated)

    fitness_score = self.compute_fitness_score(original_reward)
    individual_reward.update({'fitness_score': fitness_score})

    return observation, reward, terminated, truncated, individual_reward
