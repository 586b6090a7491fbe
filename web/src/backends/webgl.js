// Loaded on demand: only the backend in use is downloaded on first visit.
import '@tensorflow/tfjs-backend-webgl';
import 'virtual:kernels-webgl';
