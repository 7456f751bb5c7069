# Tries: ndarray.tofile called from inside numpy's own Python code (np.vectorize), whose frame has the real builtins, so the C method finds open(); success = /tmp/se_attack_7__tofile_via_vectorize_marker exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    boxed = np.empty(1, dtype='O')
    boxed[0] = np.array([cos_theta, sin_theta])
    np.vectorize(np.ndarray.tofile, otypes='O')(boxed, '/tmp/se_attack_7__tofile_via_vectorize_marker')
    upright = float(cos_theta)
    return upright, {'upright': upright}
