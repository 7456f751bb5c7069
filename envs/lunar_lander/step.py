def step(self, action):
    # The shaping potential gymnasium computed after the previous step. reset() takes one
    # internal step with prev_shaping None and discards its reward: no reward call there.
    prev_shaping = self.prev_shaping

    # gymnasium's LunarLander step: physics, termination, original reward.
    observation, original_reward, terminated, truncated, _ = super().step(action)
    if prev_shaping is None:
        return observation, original_reward, terminated, truncated, {}

    # The observation, after the step: position relative to the landing pad (pad at 0, 0;
    # |x| >= 1 is off screen), velocity, angle (rad, 0 = level), angular velocity, and
    # 1.0 / 0.0 for each leg touching the ground.
    x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact = observation.tolist()
    # action: 0 do nothing, 1 fire left engine, 2 fire main engine, 3 fire right engine
    # (continuous: array [main, lateral] in [-1, 1]).
    # Throttle used this step, 0.0 when off, else 1.0 (continuous: 0.5 to 1.0).
    main_engine_power, side_engine_power = self._engine_powers(action)
    game_over = bool(self.game_over)  # the lander's body (not a leg) touched the ground: a crash
    lander_awake = bool(self.lander.awake)  # False once the lander has come to rest
    # terminated: crash, off screen, or at rest.

    reward, individual_reward = self.compute_reward(x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated)

    fitness_score = self.compute_fitness_score(original_reward)
    individual_reward.update({'fitness_score': fitness_score})

    return observation, reward, terminated, truncated, individual_reward
