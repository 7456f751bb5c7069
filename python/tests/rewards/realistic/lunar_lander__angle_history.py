import numpy as np

smooth = lambda values: float(np.mean(values)) if values else 0.0


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    if not hasattr(self, 'angle_history'):
        self.angle_history = []
    self.angle_history.append(angle)
    recent = self.angle_history[-15:]

    wobble = float(np.std(recent)) if len(recent) > 1 else 0.0
    mean_tilt = abs(smooth(recent))
    weighted_speed = sum(w * abs(v) for w, v in enumerate([x_velocity, y_velocity], start=1))

    components = {
        'wobble_penalty': -2.0 * wobble,
        'tilt_penalty': -1.0 * mean_tilt,
        'speed_penalty': -0.3 * weighted_speed,
        'distance_penalty': -1.0 * float(np.linalg.norm([x, y])),
        'fuel_penalty': -0.3 * main_engine_power - 0.03 * side_engine_power,
        'terminal': (100.0 if not lander_awake else -100.0) if terminated else 0.0,
    }
    if terminated:
        self.angle_history = []
    return float(sum(components.values())), components
