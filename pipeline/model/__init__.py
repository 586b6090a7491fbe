"""The networks and how they learn: training, evaluation, calibration, and the heads learnt after training."""
