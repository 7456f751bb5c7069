import numpy as np

FUEL_BUDGET = 100.0


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # Track fuel spent in this episode; overspending is penalized more and more.
    self.fuel_used = getattr(self, 'fuel_used', 0.0) + main_engine_power + 0.1 * side_engine_power
    self.step_counter = getattr(self, 'step_counter', 0) + 1

    if isinstance(action, (int, np.integer)) or not self.continuous:
        firing = int(action) != 0
    else:
        firing = bool(np.abs(action).sum() > 0.0)

    overspend = max(0.0, self.fuel_used - FUEL_BUDGET)
    fuel_penalty = -0.3 * main_engine_power - 0.03 * side_engine_power - 0.01 * overspend
    idle_hover_penalty = -0.05 if (firing and y > 1.0 and y_velocity > 0.0) else 0.0

    shaping = -np.hypot(x, y) - np.hypot(x_velocity, y_velocity) - abs(angle)
    legs = 0.1 * (left_leg_contact + right_leg_contact)
    end = 0.0
    if terminated:
        end = 100.0 if not lander_awake else -100.0
        self.fuel_used = 0.0
        self.step_counter = 0

    components = {
        'shaping': float(shaping),
        'legs': legs,
        'fuel_penalty': fuel_penalty,
        'idle_hover_penalty': idle_hover_penalty,
        'end': end,
    }
    return sum(components.values()), components
