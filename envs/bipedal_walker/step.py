def step(self, action):
    # The shaping potential gymnasium computed after the previous step. reset() takes one
    # internal step with prev_shaping None and discards its reward: no reward call there.
    prev_shaping = self.prev_shaping

    # gymnasium's BipedalWalker step: physics, termination, original reward.
    observation, original_reward, terminated, truncated, _ = super().step(action)
    if prev_shaping is None:
        return observation, original_reward, terminated, truncated, {}

    # Hull state after the step. hull_angle: radians, 0 = level (observation[0], unrounded).
    hull_angle = float(self.hull.angle)
    hull_angular_velocity, horizontal_velocity, vertical_velocity = observation[1:4].tolist()
    # Hull position in world units (not in the observation): the walker starts near
    # x = 4.7, the course ends at x = 88.7; hull_x < 0 means it walked off the left edge.
    hull_x, hull_y = float(self.hull.position[0]), float(self.hull.position[1])
    # Legs, as observed: joint_angles = [hip 1, knee 1 + 1.0, hip 2, knee 2 + 1.0] (rad),
    # joint_speeds = the same joints' speeds (normalized), leg_contacts = 1.0 / 0.0 for
    # each lower leg touching the ground, lidar = 10 range-finder fractions ahead and
    # below (1.0 = nothing within range).
    joint_angles = observation[[4, 6, 9, 11]]
    joint_speeds = observation[[5, 7, 10, 12]]
    leg_contacts = observation[[8, 13]]
    lidar = observation[14:24]
    # action: 4 motor torques in [-1, 1] for hip 1, knee 1, hip 2, knee 2.
    game_over = bool(self.game_over)  # the hull touched the ground: a fall
    # terminated: a fall, walking off the left edge, or reaching the end of the course.

    reward, individual_reward = self.compute_reward(hull_angle, hull_angular_velocity, horizontal_velocity, vertical_velocity, hull_x, hull_y, joint_angles, joint_speeds, leg_contacts, lidar, action, game_over, prev_shaping, terminated)

    fitness_score = self.compute_fitness_score(original_reward)
    individual_reward.update({'fitness_score': fitness_score})

    return observation, reward, terminated, truncated, individual_reward
