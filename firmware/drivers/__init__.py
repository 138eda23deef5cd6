"""Hardware drivers over an injected bus or PWM object: IMUs (find_imu) and haptic outputs.

No module here imports `machine`: the device code builds the I2C/PWM objects from the board
profile and hands them in, so the same drivers run against the models in host_tools/boardsim.
"""
