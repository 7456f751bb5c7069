# Tries: prints 1 MB on every step (hundreds of MB per job) to stall the job's pipe or swamp the worker's output; success = the job hangs or the worker stops answering or a stdout line carries the flood (must succeed or fail honestly).
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    print('x' * 1000000)
    upright = float(cos_theta)
    return upright, {'upright': upright}
