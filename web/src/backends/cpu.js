// Loaded on demand: only the backend in use is downloaded on first visit.
import '@tensorflow/tfjs-backend-cpu';
import 'virtual:kernels-cpu';
