import numpy as np

WINDOW = 10


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    height = -cos_theta1 - (cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2)
    if not hasattr(self, 'height_history'):
        self.height_history = []
    self.height_history.append(height)
    self.height_history = self.height_history[-WINDOW:]

    # Reward a rising trend of the recent peaks (swinging higher each time).
    peaks = [h for i, h in enumerate(self.height_history[1:-1], start=1)
             if h >= self.height_history[i - 1] and h >= self.height_history[i + 1]]
    trend = 0.0
    if len(peaks) >= 2:
        diffs = [b - a for a, b in zip(peaks, peaks[1:])]
        trend = float(np.clip(sum(diffs) / len(diffs), -1.0, 1.0))

    recent_mean = float(np.mean(self.height_history))
    best_recent = max(self.height_history)
    done_bonus = 10.0 if terminated else 0.0
    if terminated:
        self.height_history = []

    components = {
        'trend': trend,
        'recent_mean_height': 0.2 * recent_mean,
        'best_recent_height': 0.1 * best_recent,
        'step_cost': -1.0,
        'done_bonus': done_bonus,
    }
    return sum(components.values()), components
