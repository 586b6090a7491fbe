"""digit-recognition build backend: data, training, evaluation, export and prediction."""

from .model.machine import prefer_onednn

# Before any module here imports TensorFlow, which reads the switch once.
prefer_onednn()
