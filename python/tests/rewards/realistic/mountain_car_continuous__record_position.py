def compute_reward(self, position, velocity, action, terminated):
    # Reward exploring further right (and far left, which builds momentum) than before.
    if not hasattr(self, 'max_position_reached'):
        self.max_position_reached = position
        self.min_position_reached = position
    self.steps_taken = getattr(self, 'steps_taken', 0) + 1

    exploration = 0.0
    if position > self.max_position_reached:
        exploration += 10.0 * (position - self.max_position_reached)
        self.max_position_reached = position
    if position < self.min_position_reached:
        exploration += 5.0 * (self.min_position_reached - position)
        self.min_position_reached = position

    force = action[0]
    action_cost = -0.1 * force * force
    success = 100.0 if terminated else 0.0
    if terminated:
        del self.max_position_reached, self.min_position_reached
        self.steps_taken = 0

    return exploration + action_cost + success, {
        'exploration': exploration,
        'action_cost': float(action_cost),
        'success': success,
    }
