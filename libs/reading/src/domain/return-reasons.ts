export { RETURN_REASONS, type ReturnReason } from '@hub/contracts';
