import type { OffboardingService } from '../../offboarding/service';
import { VERBS } from '../verbs';
import type { CardAction } from './action';
import { decideAction } from './decide';

export const approveAction = (service: OffboardingService): CardAction => decideAction(service, VERBS.approve, 'approved');
