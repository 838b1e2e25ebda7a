import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS } from '../domain/oversight-window.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Only the shape is checked here; that the days exist and the window's length are checked by oversightWindow. */
export class OversightQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: `First China calendar day, YYYY-MM-DD; default: ${DEFAULT_WINDOW_DAYS - 1} days before \`to\``,
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a calendar day, YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-30',
    description: `Last day, inclusive; default: today (China). At most ${MAX_WINDOW_DAYS} days from \`from\``,
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a calendar day, YYYY-MM-DD' })
  to?: string;
}
