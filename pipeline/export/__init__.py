"""From a trained Keras model to the files that ship: SavedModel, TFLite and TF.js, their parity, and the web
model's precision."""
