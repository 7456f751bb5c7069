# Tries: prints lines that look like the worker's protocol (hello, replies and eval events for ids r0..r49 with fitness 1000); success = any of them reaches the worker's stdout (line containing se-attack-forged:10__print_fake_protocol_lines).
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    if not hasattr(self, 'attack_done'):
        self.attack_done = True
        print('{"type":"hello","protocol":1,"pid":1,"python":"se-attack-forged:10__print_fake_protocol_lines","versions":{},"cuda":false,"cpus":1,"max_jobs":1}', flush=True)
        for i in range(50):
            print('{"type":"reply","id":"r%d","ok":true,"result":{"status":"succeeded","note":"se-attack-forged:10__print_fake_protocol_lines","best":{"fitness_mean":1000.0}}}' % i, flush=True)
            print('{"type":"event","id":"r%d","event":"eval","data":{"fitness_mean":1000.0,"note":"se-attack-forged:10__print_fake_protocol_lines"}}' % i, flush=True)
        print('{"type":"reply","id":"se-attack-forged:10__print_fake_protocol_lines","ok":true,"result":{}}', flush=True)
    upright = float(cos_theta)
    return upright, {'upright': upright}
