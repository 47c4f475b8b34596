import type { OffboardingService } from '../../offboarding/service';
import { VERBS } from '../verbs';
import type { CardAction } from './action';
import { decideAction } from './decide';

export const rejectAction = (service: OffboardingService): CardAction => decideAction(service, VERBS.reject, 'rejected');
