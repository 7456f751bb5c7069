def step(self, action):
    # The state before the step: angle normalized to [-pi, pi) (0 = upright), angular velocity.
    prev_theta = float(angle_normalize(self.state[0]))
    prev_angular_velocity = float(self.state[1])
    # The torque applied this step: the action clipped to [-2, 2].
    torque = float(np.clip(action, -self.max_torque, self.max_torque)[0])

    # gymnasium's Pendulum step: dynamics, original reward (it never terminates; truncated at 200 steps).
    observation, original_reward, terminated, truncated, _ = super().step(action)

    # The observation, after the step: the free end's x = cos(theta), y = sin(theta), angular velocity.
    cos_theta, sin_theta, angular_velocity = observation.tolist()

    reward, individual_reward = self.compute_reward(cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque)

    fitness_score = self.compute_fitness_score(original_reward)
    individual_reward.update({'fitness_score': fitness_score})

    return observation, reward, terminated, truncated, individual_reward
